/// A change to the registry from outside the mesh's own config: Consul's agent API and the
/// shared registry. Instances are named by their Consul ID (see `MeshState.consulIDs()`),
/// checks by their `CheckID`, as in Consul.
public enum RegistryCommand: Sendable, Equatable {
    /// Adds `endpoint` (its `registration` set) to `service`, created if new. The ID names one
    /// instance across the mesh: registering it again replaces it, under another service too
    /// (Consul's agent keys services by ID alone); a configured endpoint's ID is refused. Checks
    /// of the instance that the new registration does not name stay, unless `replaceChecks`
    /// (Consul's `?replace-existing-checks`).
    case register(service: String, endpoint: Endpoint, replaceChecks: Bool = false)
    /// Removes exactly the registered instance with this ID; a configured endpoint is refused.
    case deregister(id: String)
    /// A TTL check report (`PUT /v1/agent/check/pass|warn|fail|update/ID`): the status at once,
    /// and the TTL starts again.
    case updateCheck(id: String, status: CheckStatus, output: String)
    /// Removes one check of a registered instance (`PUT /v1/agent/check/deregister/ID`); the
    /// instance stays, judged by its other checks (passing with none, as in Consul), and so do
    /// the state of those checks and an operator's hold. Checks mesh-top runs for endpoints
    /// of the run file are refused as the endpoints are.
    case deregisterCheck(id: String)
    /// Consul's node maintenance (`PUT /v1/agent/maintenance`): every endpoint without a hold
    /// drained (`NodeChange`), and those restored when it ends. As Consul's, enabling it twice
    /// or disabling it when off changes nothing.
    case nodeMaintenance(enable: Bool, reason: String)
    /// Consul's maintenance mode, which mesh-top carries out as drain (`enable`) and restore.
    case maintenance(id: String, enable: Bool, reason: String)
}
