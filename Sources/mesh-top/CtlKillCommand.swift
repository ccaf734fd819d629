import ArgumentParser

/// `mesh-top ctl kill SERVICE/ENDPOINT`.
struct CtlKillCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "kill", abstract: "Kill an endpoint: out of rotation at once, connections reset (a supervised process gets SIGKILL).")

    @OptionGroup var ctl: CtlOptions
    @Argument(help: ArgumentHelp("The endpoint.", valueName: "service/endpoint")) var endpoint: String

    func run() throws {
        try reportingErrors {
            _ = try ctl.send("POST", try CtlOptions.endpointPath(endpoint, action: "kill"))
            print("kill \(endpoint): done")
        }
    }
}
