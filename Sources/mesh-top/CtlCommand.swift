import ArgumentParser

/// `mesh-top ctl …`: talk to a running mesh-top through its admin API.
struct CtlCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ctl",
        abstract: "Control a running mesh-top through its admin API: status, events, drain, kill, restore, weight.",
        discussion: "Where the admin API is: --admin, else the admin: of --config mesh.yaml, else MESH_TOP_ADMIN, else the admin: of ./mesh.yaml when there is one, else 127.0.0.1:9901. Mutating commands send the token the same way (--token, --config's token:, MESH_TOP_TOKEN, ./mesh.yaml's).",
        subcommands: [CtlStatusCommand.self, CtlEventsCommand.self, CtlDrainCommand.self, CtlKillCommand.self,
                      CtlRestoreCommand.self, CtlWeightCommand.self]
    )

    // So that `mesh-top ctl --admin ADDR status` parses: the subcommands read the same group.
    @OptionGroup var ctl: CtlOptions
}
