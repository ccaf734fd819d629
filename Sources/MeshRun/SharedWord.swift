import Foundation
import MeshCore

/// The operator's last word on an endpoint, as stored in etcd (`/mesh-top/operator/…/hold` for
/// drain, kill and restore, `…/weight` for weights): who said it, on which instance, and when.
/// Kept without a lease, so it outlives every instance: one that starts later, or again,
/// adopts it (a drained endpoint stays drained until someone restores it).
struct SharedWord: Codable, Equatable {
    var action: OperatorAction
    var by: String
    var instance: String
    var weight: Int?
    var reason: String?
    /// Wall-clock time it was said (RFC 3339), for people reading etcd.
    var at: String

    init(_ command: OperatorCommand, instance: String, at date: Date) {
        action = command.action; by = command.by; self.instance = command.instance ?? instance
        weight = command.weight; reason = command.reason
        at = ISO8601DateFormatter().string(from: date)
    }

    func command(for ref: EndpointRef) -> OperatorCommand {
        OperatorCommand(action: action, target: ref, by: by, weight: weight, reason: reason, instance: instance)
    }

    static func aspect(of action: OperatorAction) -> SharedKey.Aspect { action == .weight ? .weight : .hold }
}
