import ArgumentParser

@main
struct MeshTop: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mesh-top",
        abstract: "Watch and steer a service mesh: registry, load balancer, health checker and dashboard in one.",
        subcommands: [ValidateCommand.self]
    )

    func run() throws {
        print("mesh-top")
    }
}
