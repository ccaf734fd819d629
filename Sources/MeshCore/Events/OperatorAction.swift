/// What an operator can do to an endpoint, from the keyboard, the admin API or a scenario.
public enum OperatorAction: String, Codable, Sendable, CaseIterable, RecordedName {
    case drain, kill, restore, weight
}
