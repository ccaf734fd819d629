import Foundation
import MeshTLS
import Testing

/// Real programs the TLS tests drive: curl, openssl, python3. A missing one skips the test
/// with a printed reason, or fails it under CI=true, where `.ci/run` installs them all.
enum Tools {
    static func available(_ names: String..., sourceLocation: SourceLocation = #_sourceLocation) -> Bool {
        let missing = names.filter { name in
            !["/usr/bin/", "/bin/", "/usr/local/bin/"].contains { FileManager.default.isExecutableFile(atPath: $0 + name) }
        }
        guard !missing.isEmpty else { return true }
        let why = "\(missing.joined(separator: ", ")) not installed (apt-get install -y curl openssl python3)"
        if ProcessInfo.processInfo.environment["CI"] == "true" {
            Issue.record("\(why); CI must have it", sourceLocation: sourceLocation)
        } else {
            print("skipped: \(why)")
        }
        return false
    }

    /// Runs a program to its end: exit status and what it printed (stdout and stderr together).
    @discardableResult
    static func run(_ program: String, _ arguments: [String], stdin: String? = nil) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [program] + arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        let input = Pipe()
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try? input.fileHandleForWriting.close()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}

/// A scratch folder with a CA and certificates issued from it, removed at the end.
final class Scratch {
    let path: String
    let ca: CertificateAuthority

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("mesh-tls-\(UUID().uuidString)").path
        ca = try CertificateAuthority.create(in: path + "/ca")
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// NAME.pem, NAME.key and ca.pem in `certs/`.
    func issue(_ name: String, dns: [String] = ["localhost"], ips: [String] = ["127.0.0.1"],
               lifetime: TimeInterval = 3600, now: Date = Date()) throws -> CertificateAuthority.IssuedFiles {
        try ca.issue(name: name, into: path + "/certs", dnsNames: dns, ipAddresses: ips, lifetime: lifetime, now: now)
    }
}

/// tls_echo.py on a port of its own: plain, TLS, or TLS requiring client certificates.
final class EchoEndpoint {
    let process = Process()
    let port: Int

    init(cert: String? = nil, key: String? = nil, clientCA: String? = nil) throws {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/tls_echo.py").path
        var arguments = [script]
        if let cert, let key { arguments += ["--cert", cert, "--key", key] }
        if let clientCA { arguments += ["--client-ca", clientCA] }
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line = Data()
        while let byte = try out.fileHandleForReading.read(upToCount: 1), !byte.isEmpty, byte != Data("\n".utf8) { line += byte }
        guard let port = Int(String(decoding: line, as: UTF8.self)) else {
            kill(process.processIdentifier, SIGKILL)
            throw TLSError("tls_echo.py did not start")
        }
        self.port = port
    }

    deinit {
        // SIGKILL: the test runner blocks SIGTERM, and its children inherit the mask.
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}
