import Foundation
import MeshCore
import NIOHTTP1

/// An admin answer: a status, a content type and bytes. JSON everywhere but `/metrics`.
struct AdminResponse: Sendable {
    var status: HTTPResponseStatus
    var contentType: String
    var body: [UInt8]
    var extraHeaders: [(String, String)] = []

    static func json(_ value: some Encodable, status: HTTPResponseStatus = .ok) -> AdminResponse {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            var body = Array(try encoder.encode(value))
            body.append(UInt8(ascii: "\n"))
            return AdminResponse(status: status, contentType: "application/json", body: body)
        } catch {
            return .error(.internalServerError, "cannot encode the answer: \(error)")
        }
    }

    /// `{"error": "..."}`: every refusal, so scripts read one shape.
    static func error(_ status: HTTPResponseStatus, _ message: String) -> AdminResponse {
        json(["error": message], status: status)
    }

    /// 405 with `Allow`, naming the method that would have worked.
    static func notAllowed(_ method: HTTPMethod, allowed: HTTPMethod) -> AdminResponse {
        var response = error(.methodNotAllowed, "\(method.rawValue) is not allowed here (\(allowed.rawValue) is)")
        response.extraHeaders.append(("Allow", allowed.rawValue))
        return response
    }

    /// A Consul route's answer to a method it does not take (`agent/http.go`, `wrap`): 405 in
    /// Consul's words with `Allow` listing `OPTIONS` before the route's methods, comma-joined
    /// without spaces as Consul joins them (`OPTIONS,PUT`); to `OPTIONS` itself, 200 with that
    /// `Allow` and no body (RFC 9110 §9.3.7).
    static func consulMethods(_ method: HTTPMethod, allowed: HTTPMethod) -> AdminResponse {
        let allow = ("Allow", "OPTIONS," + allowed.rawValue)
        guard method != .OPTIONS else {
            return AdminResponse(status: .ok, contentType: "text/plain; charset=utf-8", body: [], extraHeaders: [allow])
        }
        var response = error(.methodNotAllowed, "method \(method.rawValue) not allowed")
        response.extraHeaders.append(allow)
        return response
    }

    /// An operator or registry command the session refused: 404 for what does not exist, 400
    /// for a bad value, 409 for what cannot be done now.
    static func refused(_ refusal: OperatorError) -> AdminResponse {
        let status: HTTPResponseStatus = switch refusal {
        case .unknownEndpoint, .unknownID, .unknownCheck: .notFound
        case .badWeight, .badRegistration: .badRequest
        // Consul's status for a report to a check that is not a TTL check (`agent.go`,
        // `updateTTLCheck`, a plain error): clients key re-registration on it (Spring Cloud
        // Consul's `ReregistrationPredicate`: 404 or 500).
        case .notTTL: .internalServerError
        case .notApplicable, .readOnly, .configured: .conflict
        }
        return error(status, refusal.description)
    }

    static func text(_ text: String, contentType: String = "text/plain; charset=utf-8") -> AdminResponse {
        AdminResponse(status: .ok, contentType: contentType, body: Array(text.utf8))
    }
}
