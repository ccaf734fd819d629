/// `--theme`: colours, or attributes only for terminals and people that do without colour.
public enum Theme: String, Sendable, CaseIterable {
    case `default`
    case mono
}
