import Foundation
import Testing

/// A Consul client library, unchanged, driving the real binary through a fixture script:
/// Debian's python3-consul (python-consul 0.7), or py-consul (the maintained fork) installed by
/// `.ci/run` into `.build/py-consul`. Missing locally: skipped with a printed reason; under
/// `CI=true`: a failure.
enum ConsulLibrary: String {
    case pythonConsul = "python-consul"
    case pyConsul = "py-consul"

    static let python = "/usr/bin/python3"
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")
    /// Where `.ci/run` installs py-consul: the package's `.build/py-consul`.
    static let pyConsulPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent(".build/py-consul").path

    var environment: [String: String] {
        var env = ProcessInfo.processInfo.environment
        env["PYTHONPATH"] = self == .pyConsul ? Self.pyConsulPath : nil
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        env["CONSUL_LIBRARY"] = rawValue
        return env
    }

    /// Whether the library imports; when not, says why (and records an issue under CI).
    func available() -> Bool {
        let install = self == .pythonConsul ? "apt-get install -y python3-consul"
            : "python3 -m pip install --no-deps --target .build/py-consul py-consul==1.8.0 (as .ci/run does)"
        let probe = try? run(["-c", "import consul, sys; sys.exit(0 if hasattr(consul, 'Consul') else 1)"])
        if probe?.status == 0 {
            // Both install as `consul`: make sure this is the one asked for.
            let which = try? run(["-c", "import consul, sys; print(consul.__file__)"])
            let isFork = which?.stdout.contains(".build/py-consul") == true
            if isFork == (self == .pyConsul) { return true }
        }
        if ProcessInfo.processInfo.environment["CI"] == "true" {
            Issue.record("\(rawValue) is not installed (\(install)); CI must have it")
        } else {
            print("skipped: \(rawValue) is not installed (\(install))")
        }
        return false
    }

    /// Runs `script` (in Fixtures) with `arguments`; its stdout is one JSON object.
    func run(script: String, _ arguments: [String]) throws -> (status: Int32, json: [String: Any], stderr: String) {
        let result = try run([Self.fixtures.appendingPathComponent(script).path] + arguments)
        let json = (try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8))) as? [String: Any] ?? [:]
        return (result.status, json, result.stderr + result.stdout)
    }

    private func run(_ arguments: [String]) throws -> Executable.Result {
        try Executable(url: URL(fileURLWithPath: Self.python)).run(arguments, environment: environment)
    }
}
