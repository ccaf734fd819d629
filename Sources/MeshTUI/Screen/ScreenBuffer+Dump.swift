/// Text forms of a frame for golden files: what the user reads, and which role each cell has.
extension ScreenBuffer {
    /// The characters, one line per row, trailing blanks trimmed.
    public var text: String {
        var out = ""
        out.reserveCapacity(cols * rows + rows)
        for y in 0..<rows { out += line(y); out += "\n" }
        return out
    }

    /// One row's characters, trailing blanks trimmed.
    public func line(_ y: Int) -> String {
        var scalars = String.UnicodeScalarView()
        for x in 0..<cols {
            let c = self[x, y]
            if !c.isContinuation {
                scalars.append(c.scalar)
                scalars.append(contentsOf: c.marks.unicodeScalars)
            }
        }
        var s = String(scalars)
        while s.last == " " { s.removeLast() }
        return s
    }

    /// One letter per cell for its role (`ColorRole.code`), upper case when bold. A wide
    /// character's right half repeats its letter, so columns line up with the screen, not the text.
    public var styleText: String {
        var out = ""
        for y in 0..<rows {
            var row = ""
            for x in 0..<cols {
                let style = self[x, y].style
                let code = style.role.code
                row.append(style.bold && code != " " ? Character(code.uppercased()) : code)
            }
            while row.last == " " { row.removeLast() }
            out += row; out += "\n"
        }
        return out
    }
}
