/// FNV-1a then a 64-bit finaliser: a hash that, unlike `Hasher`, is the same in every process,
/// which ring-hash, Maglev and recordings depend on.
public enum StableHash {
    @inline(__always)
    public static func hash<Bytes: Sequence>(_ bytes: Bytes, seed: UInt64 = 0) -> UInt64 where Bytes.Element == UInt8 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325 ^ seed
        for b in bytes {
            h ^= UInt64(b)
            h &*= 0x0000_0100_0000_01B3
        }
        return mix(h)
    }

    public static func hash(_ string: String, seed: UInt64 = 0) -> UInt64 {
        hash(string.utf8, seed: seed)
    }

    /// Murmur3's fmix64: spreads every input bit over the output.
    @inline(__always)
    public static func mix(_ value: UInt64) -> UInt64 {
        var k = value
        k ^= k >> 33
        k &*= 0xFF51_AFD7_ED55_8CCD
        k ^= k >> 33
        k &*= 0xC4CE_B9FE_1A85_EC53
        k ^= k >> 33
        return k
    }
}
