extension FixedWidthInteger {
    /// The integer nearest `value` toward zero, clamped to the type's range; NaN gives 0.
    /// For numbers that come from outside (files, requests), where `Int(_:)` would trap.
    @inlinable
    public init(saturating value: Double) {
        if value.isNaN {
            self = 0
        } else if value <= Double(Self.min) {
            self = .min
        } else if value >= Double(Self.max) {
            // Double(max) rounds up past max for 64-bit types: compare, don't convert.
            self = .max
        } else {
            self = Self(value)
        }
    }
}
