import ArgumentParser

/// `mesh-top ctl …`: talk to a running mesh-top through its admin API.
struct CtlCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ctl",
        abstract: "Control a running mesh-top through its admin API: status, events, drain, kill, restore, weight.",
        discussion: "The admin API is on 127.0.0.1:9901 unless mesh.yaml's admin: or --admin says otherwise. Mutating commands send --token (or MESH_TOP_TOKEN) when set.",
        subcommands: [CtlStatusCommand.self, CtlEventsCommand.self, CtlDrainCommand.self, CtlKillCommand.self,
                      CtlRestoreCommand.self, CtlWeightCommand.self]
    )

    // So that `mesh-top ctl --admin ADDR status` parses: the subcommands read the same group.
    @OptionGroup var ctl: CtlOptions
}
