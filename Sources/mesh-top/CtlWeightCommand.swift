import ArgumentParser
import MeshCore

/// `mesh-top ctl weight SERVICE/ENDPOINT N`.
struct CtlWeightCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "weight", abstract: "Set an endpoint's weight (applies to new picks at once).")

    @OptionGroup var ctl: CtlOptions
    @Argument(help: ArgumentHelp("The endpoint.", valueName: "service/endpoint")) var endpoint: String
    @Argument(help: ArgumentHelp("The new weight, \(Endpoint.weightRange.lowerBound)...\(Endpoint.weightRange.upperBound).", valueName: "n")) var weight: String

    func run() throws {
        try reportingErrors {
            guard let n = Int(weight) else { throw CommandError("weight: '\(weight)' is not a whole number") }
            _ = try ctl.send("PUT", try CtlOptions.endpointPath(endpoint, action: "weight"), body: "{\"weight\": \(n)}")
            print("weight \(endpoint) = \(n): done")
        }
    }
}
