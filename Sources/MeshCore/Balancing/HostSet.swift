/// The endpoints a service's balancer may pick from right now, published whenever membership,
/// weight or health changes. Immutable: a pick reads it without a lock.
///
/// Hosts come in groups (one per zone in use, or one for all): a pick first chooses a group by
/// its share of the traffic, then an endpoint inside it, as Envoy picks a priority, then a host.
public struct HostSet: Sendable, Equatable {
    public struct Host: Sendable, Equatable {
        /// The endpoint's stable slot in its service (index into per-endpoint tables).
        public var slot: Int32
        /// Effective weight (after slow start), > 0.
        public var weight: UInt32
        /// Stable identity for ring-hash and Maglev: `StableHash.hash("SERVICE/ENDPOINT")`.
        public var key: UInt64
        /// Slow start's factor in 0.1...1 already applied to `weight` (1 when not ramping), for
        /// the balancers that ignore weights but still ramp (round-robin, as in Envoy).
        public var slowStart: Double

        public init(slot: Int32, weight: UInt32, key: UInt64, slowStart: Double = 1) {
            self.slot = slot; self.weight = weight; self.key = key; self.slowStart = slowStart
        }
    }

    public struct Group: Sendable, Equatable {
        /// The zone, or nil when zones play no part.
        public var zone: String?
        /// Fraction of the traffic this group takes; the shares of a set sum to 1.
        public var share: Double
        public var hosts: [Host]

        public init(zone: String?, share: Double, hosts: [Host]) {
            self.zone = zone; self.share = share; self.hosts = hosts
        }
    }

    public var groups: [Group]

    public init(groups: [Group]) { self.groups = groups.filter { !$0.hosts.isEmpty } }

    /// One group holding every host.
    public init(hosts: [Host]) { self.init(groups: [Group(zone: nil, share: 1, hosts: hosts)]) }

    public static let empty = HostSet(groups: [])

    public var isEmpty: Bool { groups.isEmpty }
    public var count: Int { groups.reduce(0) { $0 + $1.hosts.count } }
}
