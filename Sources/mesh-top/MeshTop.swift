import ArgumentParser

@main
struct MeshTop: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mesh-top",
        abstract: "Watch and steer a service mesh: registry, load balancer, health checker and dashboard in one.",
        discussion: "Without a command, mesh-top runs the built-in demo.",
        subcommands: [DemoCommand.self, RunCommand.self, ReplayCommand.self, CtlCommand.self, ValidateCommand.self],
        defaultSubcommand: DemoCommand.self
    )
}
