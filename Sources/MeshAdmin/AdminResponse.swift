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

    /// An operator or registry command the session refused: 404 for what does not exist, 400
    /// for a bad value, 409 for what cannot be done now.
    static func refused(_ refusal: OperatorError) -> AdminResponse {
        let status: HTTPResponseStatus = switch refusal {
        case .unknownEndpoint, .unknownID, .unknownCheck: .notFound
        case .badWeight, .badRegistration, .notTTL: .badRequest
        case .notApplicable, .readOnly, .configured: .conflict
        }
        return error(status, refusal.description)
    }

    static func text(_ text: String, contentType: String = "text/plain; charset=utf-8") -> AdminResponse {
        AdminResponse(status: .ok, contentType: contentType, body: Array(text.utf8))
    }
}
