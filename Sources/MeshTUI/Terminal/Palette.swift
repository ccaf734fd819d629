import CNcursesw

/// Roles to curses colour pairs and attributes, for the theme and what the terminal can show:
/// 256 colours, 8 colours, or none (mono, or a terminal without colour).
struct Palette {
    enum Depth: Equatable { case mono, eight, full }

    let depth: Depth
    private var pairs: [Int16]
    private var attrs: [attr_t]

    init(theme: Theme, colors: Int, hasColors: Bool) {
        depth = theme == .mono || !hasColors ? .mono : colors >= 256 ? .full : .eight
        let count = ColorRole.allCases.count
        pairs = Array(repeating: 0, count: count)
        attrs = Array(repeating: mesh_a_normal(), count: count)
        for role in ColorRole.allCases {
            let i = Int(role.rawValue)
            switch depth {
            case .mono:
                attrs[i] = Palette.monoAttributes(role)
            case .eight, .full:
                pairs[i] = Int16(i + 1)
                if depth == .eight, role == .muted { attrs[i] = mesh_a_dim() }
            }
        }
    }

    /// Defines the pairs; call once after `start_color`.
    func install(defaultColors: Bool) {
        guard depth != .mono else { return }
        for role in ColorRole.allCases {
            var (fg, bg) = depth == .full ? Palette.full(role) : Palette.eight(role)
            if !defaultColors {
                if fg < 0 { fg = Int16(COLOR_WHITE) }
                if bg < 0 { bg = Int16(COLOR_BLACK) }
            }
            init_pair(pairs[Int(role.rawValue)], fg, bg)
        }
    }

    func pair(_ style: CellStyle) -> Int16 { pairs[Int(style.role.rawValue)] }

    func attributes(_ style: CellStyle) -> attr_t {
        var a = attrs[Int(style.role.rawValue)]
        if style.bold { a |= mesh_a_bold() }
        if style.dim { a |= mesh_a_dim() }
        if style.reverse { a |= mesh_a_reverse() }
        if style.underline { a |= mesh_a_underline() }
        return a
    }

    private static func monoAttributes(_ role: ColorRole) -> attr_t {
        switch role {
        case .normal, .accent, .good: mesh_a_normal()
        case .muted: mesh_a_dim()
        case .warn, .bad: mesh_a_bold()
        case .bar, .selection, .key: mesh_a_reverse()
        case .barFocus: mesh_a_reverse() | mesh_a_bold()
        case .selectionDim: mesh_a_underline()
        }
    }

    /// xterm-256 colours: muted greys, and a blue bar that says which pane has the keys.
    private static func full(_ role: ColorRole) -> (Int16, Int16) {
        switch role {
        case .normal: (-1, -1)
        case .muted: (245, -1)
        case .accent: (75, -1)
        case .good: (114, -1)
        case .warn: (221, -1)
        case .bad: (203, -1)
        case .bar: (252, 236)
        case .barFocus: (231, 25)
        case .selection: (16, 117)
        case .selectionDim: (252, 239)
        case .key: (16, 74)
        }
    }

    private static func eight(_ role: ColorRole) -> (Int16, Int16) {
        let black = Int16(COLOR_BLACK), white = Int16(COLOR_WHITE), cyan = Int16(COLOR_CYAN), blue = Int16(COLOR_BLUE)
        switch role {
        case .normal, .muted: return (-1, -1)
        case .accent: return (cyan, -1)
        case .good: return (Int16(COLOR_GREEN), -1)
        case .warn: return (Int16(COLOR_YELLOW), -1)
        case .bad: return (Int16(COLOR_RED), -1)
        case .bar, .selectionDim: return (black, white)
        case .barFocus: return (white, blue)
        case .selection, .key: return (black, cyan)
        }
    }
}
