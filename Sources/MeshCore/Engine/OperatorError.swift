/// Why an operator command was refused; one line, fit for a footer, stderr or a 4xx body.
public enum OperatorError: Error, Sendable, Equatable, CustomStringConvertible {
    case unknownEndpoint(EndpointRef)
    case notApplicable(EndpointRef, EndpointState, String)
    case badWeight(Int?)
    /// The session cannot be steered (a replay): why.
    case readOnly(String)
    /// No endpoint has this registration ID.
    case unknownID(String)
    /// A registration that cannot be carried out (an address that does not resolve): why.
    case badRegistration(String)
    /// The ID is a configured endpoint's (mesh.yaml, a scenario): the registry API neither
    /// replaces nor removes it.
    case configured(id: String, EndpointRef)
    /// No check has this `CheckID`.
    case unknownCheck(String)
    /// Only TTL checks take reports: an HTTP or TCP check, mesh-top's own check of a configured
    /// endpoint, a maintenance check.
    case notTTL(String)

    public var description: String {
        switch self {
        case .unknownEndpoint(let ref): "unknown endpoint \(ref)"
        case .notApplicable(let ref, let state, let action): "cannot \(action) \(ref): it is \(state.rawValue)"
        case .badWeight(let w):
            "weight must be \(Endpoint.weightRange.lowerBound)...\(Endpoint.weightRange.upperBound)" + (w.map { ", got \($0)" } ?? "")
        case .readOnly(let why): why
        case .badRegistration(let why): why
        // Consul's words (`agent/acl.go`, `vetServiceUpdateWithAuthorizer`), which clients match.
        case .unknownID(let id): "Unknown service ID \"\(id)\". Ensure that the service ID is passed, not the service name."
        case .configured(let id, let ref):
            "ID '\(id)' is the configured endpoint \(ref): the registry API can neither replace nor remove it (drain or kill it instead)"
        case .unknownCheck(let id): "Unknown check ID \"\(id)\". Ensure that the check ID is passed, not the check name."
        // Consul's words (`agent/agent.go`, `updateTTLCheck`), which clients match to register again.
        case .notTTL(let id): "CheckID \"\(id)\" does not have associated TTL"
        }
    }
}

extension OperatorError {
    /// nil when `body` goes through, else its refusal: the shape in which every playback
    /// answers a command.
    public static func refusal(of body: () throws(OperatorError) -> Void) -> OperatorError? {
        do {
            try body()
            return nil
        } catch {
            return error
        }
    }
}
