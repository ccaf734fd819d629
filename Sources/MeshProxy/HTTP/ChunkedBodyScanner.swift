/// Follows a chunked body as it streams through, only to know where it ends: the bytes themselves
/// are forwarded unchanged. Resumable at any byte boundary.
struct ChunkedBodyScanner: Sendable {
    private enum State: UInt8 { case size, ext, sizeLF, data, dataCR, dataLF, trailerStart, trailer, finalLF, done }

    private var state = State.size
    private var size = 0
    private var sawDigit = false

    var isDone: Bool { state == .done }

    /// How many of `p`'s bytes belong to the body; fewer than `p.count` only once the body ended.
    mutating func scan(_ p: UnsafeRawBufferPointer) throws(HeadError) -> Int {
        var i = 0
        let n = p.count
        while i < n {
            switch state {
            case .data:
                let take = min(size, n - i)
                size -= take
                i += take
                if size == 0 { state = .dataCR }
                continue
            case .done:
                return i
            default:
                break
            }
            let b = p[i]
            i += 1
            switch state {
            case .size:
                if let d = Self.hexValue(b) {
                    guard size < 1 << 40 else { throw .badRequest }
                    size = size << 4 | d
                    sawDigit = true
                } else if sawDigit, b == UInt8(ascii: ";") || b == 0x20 || b == 0x09 {
                    state = .ext
                } else if sawDigit, b == 0x0D {
                    state = .sizeLF
                } else if sawDigit, b == 0x0A {
                    endOfSizeLine()
                } else {
                    throw .badRequest
                }
            case .ext:
                if b == 0x0D { state = .sizeLF } else if b == 0x0A { endOfSizeLine() }
            case .sizeLF:
                guard b == 0x0A else { throw .badRequest }
                endOfSizeLine()
            case .dataCR:
                if b == 0x0D { state = .dataLF } else if b == 0x0A { startSize() } else { throw .badRequest }
            case .dataLF:
                guard b == 0x0A else { throw .badRequest }
                startSize()
            case .trailerStart:
                if b == 0x0D { state = .finalLF } else if b == 0x0A { state = .done } else { state = .trailer }
            case .trailer:
                if b == 0x0A { state = .trailerStart }
            case .finalLF:
                guard b == 0x0A else { throw .badRequest }
                state = .done
            case .data, .done:
                break
            }
        }
        return i
    }

    private mutating func endOfSizeLine() {
        state = size == 0 ? .trailerStart : .data
    }

    private mutating func startSize() {
        state = .size; size = 0; sawDigit = false
    }

    @inline(__always)
    private static func hexValue(_ b: UInt8) -> Int? {
        switch b {
        case 0x30...0x39: Int(b - 0x30)
        case 0x41...0x46: Int(b - 0x41 + 10)
        case 0x61...0x66: Int(b - 0x61 + 10)
        default: nil
        }
    }
}
