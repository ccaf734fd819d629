import ArgumentParser

/// `mesh-top ctl drain SERVICE/ENDPOINT`.
struct CtlDrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "drain", abstract: "Drain an endpoint: no new traffic, in-flight requests finish.")

    @OptionGroup var ctl: CtlOptions
    @Argument(help: ArgumentHelp("The endpoint.", valueName: "service/endpoint")) var endpoint: String

    func run() throws {
        try reportingErrors {
            _ = try ctl.send("POST", try CtlOptions.endpointPath(endpoint, action: "drain"))
            print("drain \(endpoint): done")
        }
    }
}
