import ArgumentParser
import MeshCore

/// `mesh-top ctl weight SERVICE/ENDPOINT N`.
struct CtlWeightCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "weight", abstract: "Set an endpoint's weight (applies to new picks at once).")

    @OptionGroup var ctl: CtlOptions
    @Argument(help: ArgumentHelp("The endpoint.", valueName: "service/endpoint")) var endpoint: String
    // Taken as it comes, so that `-5` is a weight out of range rather than an unknown option.
    @Argument(parsing: .allUnrecognized,
              help: ArgumentHelp("The new weight, \(Endpoint.weightRange.lowerBound)...\(Endpoint.weightRange.upperBound).", valueName: "n"))
    var weight: [String] = []

    func run() throws {
        try reportingErrors {
            let n = try Self.parse(weight)
            _ = try ctl.send("PUT", try CtlOptions.endpointPath(endpoint, action: "weight"), body: "{\"weight\": \(n)}")
            print("weight \(endpoint) = \(n): done")
        }
    }

    /// One whole number in `Endpoint.weightRange`, or one line saying what is wrong (the
    /// engine's own words for a range error, as the API would answer).
    static func parse(_ words: [String]) throws(CommandError) -> Int {
        let range = Endpoint.weightRange
        guard let text = words.first else {
            throw CommandError("weight: missing (expected a whole number \(range.lowerBound)...\(range.upperBound))")
        }
        if let option = words.first(where: { $0.hasPrefix("-") && Int($0) == nil }) {
            throw CommandError("unknown option '\(option)' (see mesh-top ctl weight --help)")
        }
        guard words.count == 1 else { throw CommandError("weight: expected one number, got '\(words.joined(separator: " "))'") }
        guard let n = Int(text) else { throw CommandError("weight: '\(text)' is not a whole number") }
        guard range.contains(n) else { throw CommandError(OperatorError.badWeight(n).description) }
        return n
    }
}
