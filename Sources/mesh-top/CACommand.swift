import ArgumentParser
import Foundation
import MeshTLS

/// `mesh-top ca init | issue NAME`: the built-in certificate authority, in `mesh-top-ca/` beside
/// the config file.
struct CACommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ca",
        abstract: "The built-in certificate authority for TLS and mutual TLS (tls: auto).",
        subcommands: [CAInitCommand.self, CAIssueCommand.self]
    )
}

/// Where the CA lives: `--dir`, else `mesh-top-ca/` beside `--config`.
struct CALocation: ParsableArguments {
    @Option(help: ArgumentHelp("The mesh.yaml the CA serves; the CA is the folder mesh-top-ca beside it.", valueName: "file"))
    var config = "mesh.yaml"

    @Option(help: ArgumentHelp("The CA's folder, instead of the one beside --config.", valueName: "dir"))
    var dir: String?

    var folder: String { dir ?? CertificateAuthority.folder(besideConfig: config) }
}

struct CAInitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create the CA: a P-256 root valid 10 years (ca.pem, and ca.key readable by you only)."
    )

    @OptionGroup var location: CALocation

    func run() throws {
        try reportingErrors {
            let ca = try CertificateAuthority.create(in: location.folder)
            print("created a CA in \(ca.folder): \(ca.certificateFile) (give it to clients that should trust mesh-top), \(ca.keyFile) (mode 600)")
        }
    }
}

struct CAIssueCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "issue",
        abstract: "Issue a certificate and key for NAME (server and client use), with the URI SAN spiffe://mesh-top.local/ns/default/sa/NAME."
    )

    @Argument(help: "The service or client the certificate is for.") var name: String
    @OptionGroup var location: CALocation
    @Option(help: ArgumentHelp("Folder to write NAME.pem, NAME.key (mode 600) and ca.pem to.", valueName: "dir"))
    var out = "."
    @Option(name: .customLong("dns"), help: ArgumentHelp("A DNS name to add as SAN (repeatable).", valueName: "name"))
    var dnsNames: [String] = []
    @Option(name: .customLong("ip"), help: ArgumentHelp("An IP address to add as SAN (repeatable).", valueName: "ip"))
    var ipAddresses: [String] = []
    @Option(help: ArgumentHelp("Days the certificate is valid (1 to 3650).", valueName: "n"))
    var days = 30

    func run() throws {
        try reportingErrors {
            guard (1...3650).contains(days) else { throw CommandError("--days: \(days) is outside 1 to 3650") }
            guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) else {
                throw CommandError("'\(name)' is not a name (use letters, digits, '-', '_' and '.')")
            }
            let ca = try CertificateAuthority.load(from: location.folder)
            let files = try ca.issue(name: name, into: out, dnsNames: dnsNames, ipAddresses: ipAddresses,
                                     lifetime: TimeInterval(days) * 86_400)
            print("issued \(CertificateAuthority.spiffeID(service: name)) until \(files.notValidAfter): \(files.certificate), \(files.key), \(files.ca)")
        }
    }
}
