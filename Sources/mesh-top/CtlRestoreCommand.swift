import ArgumentParser

/// `mesh-top ctl restore SERVICE/ENDPOINT`.
struct CtlRestoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "restore", abstract: "Restore a drained, killed or ejected endpoint (a supervised process is restarted).")

    @OptionGroup var ctl: CtlOptions
    @Argument(help: ArgumentHelp("The endpoint.", valueName: "service/endpoint")) var endpoint: String

    func run() throws {
        try reportingErrors {
            _ = try ctl.send("POST", try CtlOptions.endpointPath(endpoint, action: "restore"))
            print("restore \(endpoint): done")
        }
    }
}
