/// A key press as the dashboard understands it, independent of curses' codes.
public enum Key: Hashable, Sendable {
    case char(Character)
    case up, down, left, right, pageUp, pageDown, home, end
    case enter, escape, tab, backTab, backspace, delete
    /// The terminal changed size: re-layout.
    case resize
    /// Text the terminal delivered as a paste (bracketed paste, xterm's mode 2004): never a
    /// command, only text for a prompt.
    case paste(String)
    /// A mouse click on what `hitTest` found there.
    case click(MouseTarget)
    /// The mouse wheel over a pane: `up` scrolls toward the top.
    case wheel(up: Bool, pane: DashboardView.Pane)

    /// How the help screen and hint bar write the key.
    public func label(ascii: Bool) -> String {
        switch self {
        case .char(" "): "space"
        case .char(let c): String(c)
        case .up: ascii ? "Up" : "↑"
        case .down: ascii ? "Down" : "↓"
        case .left: ascii ? "Left" : "←"
        case .right: ascii ? "Right" : "→"
        case .pageUp: "PgUp"
        case .pageDown: "PgDn"
        case .home: "Home"
        case .end: "End"
        case .enter: "Enter"
        case .escape: "Esc"
        case .tab: "Tab"
        case .backTab: "S-Tab"
        case .backspace: "Bksp"
        case .delete: "Del"
        case .resize: "resize"
        case .paste: "paste"
        case .click: "click"
        case .wheel: "wheel"
        }
    }
}
