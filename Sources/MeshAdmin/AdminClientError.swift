/// Why an admin request got no answer.
public enum AdminClientError: Error, Sendable {
    case timeout
    case closed
}
