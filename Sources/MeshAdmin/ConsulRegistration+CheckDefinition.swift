import MeshCore

extension ConsulRegistration {
    /// Every key of Consul's `CheckDefinition` (`agent/structs/check_definition.go`), lower-cased:
    /// a check type's, and the check's own ID, service and token.
    static let checkDefinitionKeys = checkKeys.union(["id", "serviceid", "service_id", "token", "namespace", "partition"])

    /// A check registered apart from its service (`PUT /v1/agent/check/register`, Consul's
    /// `CheckDefinition`): the instance it belongs to (`ServiceID`) and the check, its ID the
    /// given `ID` (or `CheckID`), else its `Name`, as Consul names it (`AgentRegisterCheck`).
    /// Consul's node checks (no `ServiceID`) are refused: mesh-top's node is always alive, and
    /// its checks are its instances'.
    static func checkDefinition(body bytes: [UInt8]) throws(Refusal) -> (serviceID: String, check: ServiceCheck) {
        let body = try ConsulRegistration.bodyFields(bytes, expecting: "a Consul check definition")
        try body.refuseUnknown(checkDefinitionKeys)
        guard let name = try body.string("Name"), !name.isEmpty else { throw Refusal(message: "body.Name: Missing check name") }
        let snake = try body.string("service_id")
        guard let serviceID = try body.string("ServiceID") ?? snake, !serviceID.isEmpty else {
            throw Refusal(message: "body.ServiceID: required: mesh-top's checks are its service instances' (Consul's node checks are out of its scope)")
        }
        let checkID = try body.string("CheckID")
        var id = try body.string("ID") ?? checkID ?? ""
        if id.isEmpty { id = name }
        let made = try check(body, number: 0, of: 1, service: serviceID, id: serviceID, givenID: id)
        return (serviceID, made)
    }
}
