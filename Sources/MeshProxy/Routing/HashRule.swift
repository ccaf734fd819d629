import MeshCore
import MeshHTTP1
import NIOCore

/// What `hash_on` hashes, prepared once per listener.
struct HashRule: Sendable {
    enum Kind: Sendable { case none, header, path, clientIP }
    var kind: Kind
    /// Lower-cased field name for `.header`; empty otherwise (the reader watches no field).
    var name: [UInt8]

    static let none = HashRule(kind: .none, name: [])

    /// The request's balancer key: the watched field's value, the path without its query, or
    /// the client's address.
    func key(of head: RequestHead, in bytes: ByteBuffer, clientIP: UInt64) -> UInt64 {
        switch kind {
        case .none: return 0
        case .clientIP: return clientIP
        case .header:
            guard let range = head.watchedValue else { return 0 }
            return Self.hash(bytes, range)
        case .path:
            return bytes.withUnsafeReadableBytes { p in
                var end = head.targetStart
                while end < head.targetEnd, p[end] != UInt8(ascii: "?") { end += 1 }
                return Self.hash(p, head.targetStart..<end)
            }
        }
    }

    private static func hash(_ bytes: ByteBuffer, _ range: Range<Int>) -> UInt64 {
        bytes.withUnsafeReadableBytes { hash($0, range) }
    }

    /// `StableHash.hash` of the bytes, written out on the raw pointer.
    @inline(__always)
    private static func hash(_ p: UnsafeRawBufferPointer, _ range: Range<Int>) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for i in range {
            h ^= UInt64(p[i])
            h &*= 0x0000_0100_0000_01B3
        }
        return StableHash.mix(h)
    }
}
