/// What a cell means rather than which colour it is: the terminal's palette (theme, colour depth)
/// decides the colour, so golden frames stay the same on every terminal.
public enum ColorRole: UInt8, Sendable, CaseIterable {
    case normal, muted, accent, good, warn, bad
    /// Title and header bars; `barFocus` marks the pane that has the keyboard.
    case bar, barFocus
    /// The selected row, in the focused pane and in the other one.
    case selection, selectionDim
    /// Key labels in the hint bar and help screen.
    case key

    /// One letter per role in style dumps (normal is blank so the dump reads like the frame).
    public var code: Character {
        switch self {
        case .normal: " "
        case .muted: "m"
        case .accent: "a"
        case .good: "g"
        case .warn: "w"
        case .bad: "b"
        case .bar: "t"
        case .barFocus: "f"
        case .selection: "s"
        case .selectionDim: "u"
        case .key: "k"
        }
    }
}

/// A cell's look: a role plus the attributes every terminal has.
public struct CellStyle: Hashable, Sendable {
    public var role: ColorRole
    public var bold: Bool
    public var dim: Bool
    public var reverse: Bool
    public var underline: Bool

    public init(_ role: ColorRole = .normal, bold: Bool = false, dim: Bool = false,
                reverse: Bool = false, underline: Bool = false) {
        self.role = role; self.bold = bold; self.dim = dim; self.reverse = reverse; self.underline = underline
    }

    public static let plain = CellStyle()

    public func with(role: ColorRole) -> CellStyle { var s = self; s.role = role; return s }
    public func bolded() -> CellStyle { var s = self; s.bold = true; return s }
}
