// swift-tools-version:6.1
import PackageDescription

/// One list of strict settings for every target (as swift-log does).
let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("MemberImportVisibility"),
    // Release modules are built against the static runtime their executables link (see
    // `staticRuntime`), so that what they import autolinks its static libraries.
    .unsafeFlags(["-static-stdlib"], .when(configuration: .release)),
]

/// The engine, the simulator and the data plane run per request on class state (`MeshEngine`,
/// `Simulator`, the proxy's channel handlers), where release builds' dynamic exclusivity checks cost
/// a third of a simulated request and ~2% of a proxied one (perf). Debug builds, and so `swift test`,
/// keep them.
let hot: [SwiftSetting] = strict + [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]

/// Release executables carry the Swift runtime inside them (`-static-stdlib`, what `swift build
/// --static-swift-stdlib` does): calls into it skip the PLT, and the thread-local state every
/// exclusivity check of the dependencies reads is an `%fs` load instead of a `__tls_get_addr`
/// call. That is 4.7% of the proxy's user-space instructions per request (callgrind).
let staticRuntime: [LinkerSetting] = [.unsafeFlags(["-static-stdlib"], .when(configuration: .release))]

let package = Package(
    name: "mesh-top",
    products: [
        .executable(name: "mesh-top", targets: ["MeshTop"]),
        .executable(name: "mesh-bench", targets: ["MeshBench"]),
        // For the micro benchmarks in Benchmarks/ (a package of their own, see there).
        .library(name: "MeshTopModules", targets: ["MeshCore", "MeshConfig", "MeshSim", "MeshSession", "MeshTUI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
    ],
    targets: [
        // ncurses through a module-mapped C shim (Swift 6 rejects curses' globals and macros).
        .systemLibrary(name: "CNcursesw", path: "Modules/CNcursesw"),
        .systemLibrary(name: "CMalloc", path: "Modules/CMalloc"),

        // What every way out needs from signal handlers: terminal back, supervised processes gone.
        .target(name: "CMeshGuard", path: "Modules/CMeshGuard"),

        // The engine: model, events, reducer, balancers, health and failover. No I/O, no curses.
        .target(name: "MeshCore", swiftSettings: hot),

        // mesh.yaml and scenario files: parsing with file:line:key errors.
        .target(
            name: "MeshConfig",
            dependencies: ["MeshCore", .product(name: "Yams", package: "Yams")],
            swiftSettings: strict
        ),

        // Lines to files and pipes that arrive within 50 ms without a system call per line: the
        // headless event stream, access logs and mesh-top's own log; listeners' accept errors.
        .target(
            name: "MeshOutput",
            dependencies: [
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),

        // TLS for every edge: certificate files checked and reloaded, the built-in CA, peer
        // identities (SPIFFE URI SANs), X-Forwarded-Client-Cert, client handshakes.
        .target(
            name: "MeshTLS",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ],
            swiftSettings: strict
        ),

        // The simulated mesh of demo mode: endpoints, traffic and faults on a virtual clock, and
        // the demo's playback. Pure; linked only where demo needs it.
        .target(name: "MeshSim", dependencies: ["MeshCore", "MeshConfig"], swiftSettings: hot),

        // Driving a session (pacing, the handle others hold), recordings, replay, headless output.
        .target(
            name: "MeshSession",
            dependencies: ["MeshCore", "MeshConfig", "MeshOutput", .product(name: "NIOConcurrencyHelpers", package: "swift-nio")],
            swiftSettings: strict
        ),

        // A small client for etcd's v3 HTTP gateway: leases, put, delete, range, watch.
        .target(
            name: "MeshEtcd",
            dependencies: [
                "MeshCore", "MeshTLS",
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),

        // `mesh-top run`: the live mesh on real sockets (supervised processes, proxies, checks).
        .target(
            name: "MeshRun",
            dependencies: [
                "MeshCore", "MeshConfig", "MeshProxy", "MeshProbe", "MeshEtcd", "MeshOutput", "MeshTLS", "CMeshGuard",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),

        // mesh-top's HTTP edges: the admin API (JSON, /metrics) over any session, the client
        // `mesh-top ctl` uses, and alert notifications to webhooks.
        .target(
            name: "MeshAdmin",
            dependencies: [
                "MeshCore", "MeshConfig", "MeshProbe", "MeshTLS", "MeshOutput",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),

        // The dashboard: pure render(state, size) -> ScreenBuffer, plus the curses terminal.
        .target(name: "MeshTUI", dependencies: ["MeshCore", "CNcursesw", "CMeshGuard"], swiftSettings: strict),

        // The one HTTP/1 message reader (RFC 9112 framing, in place) the proxy and the probe share.
        .target(
            name: "MeshHTTP1",
            dependencies: [.product(name: "NIOCore", package: "swift-nio")],
            swiftSettings: hot
        ),

        // Active health checks on real sockets: HTTP and TCP probes on event loops.
        .target(
            name: "MeshProbe",
            dependencies: [
                "MeshCore", "MeshHTTP1", "MeshTLS",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),

        // The data plane: HTTP/1.1 and TCP listeners on SwiftNIO event loops, forwarding to endpoints.
        .target(
            name: "MeshProxy",
            dependencies: [
                "MeshCore", "MeshHTTP1", "MeshOutput", "MeshTLS",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            swiftSettings: hot
        ),

        .executableTarget(
            name: "MeshTop",
            dependencies: [
                "MeshCore", "MeshConfig", "MeshSession", "MeshSim", "MeshRun", "MeshTUI", "MeshAdmin", "MeshEtcd", "MeshOutput", "MeshTLS", "CMeshGuard",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Sources/mesh-top",
            swiftSettings: strict,
            linkerSettings: staticRuntime
        ),
        .executableTarget(
            name: "MeshBench",
            dependencies: [
                "MeshCore", "MeshConfig", "MeshSession", "MeshSim", "MeshProxy", "MeshProbe", "MeshTUI", "MeshOutput", "MeshTLS", "CMalloc",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Sources/mesh-bench",
            swiftSettings: strict,
            linkerSettings: staticRuntime
        ),

        // Test helpers shared by the test targets: a byte-exact blocking HTTP client.
        .target(name: "MeshTestSupport", path: "Tests/MeshTestSupport", swiftSettings: strict),

        .testTarget(name: "MeshCoreTests", dependencies: ["MeshCore"], swiftSettings: strict),
        .testTarget(
            name: "MeshHTTP1Tests",
            dependencies: [
                "MeshHTTP1",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "MeshConfigTests",
            dependencies: ["MeshConfig", "MeshSim", .product(name: "PropertyBased", package: "swift-property-based")],
            swiftSettings: strict
        ),
        .testTarget(name: "MeshSimTests", dependencies: ["MeshSim", "MeshConfig"], swiftSettings: strict),
        .testTarget(name: "MeshRunTests", dependencies: ["MeshRun", "MeshSession", "MeshEtcd", "MeshTestSupport"], swiftSettings: strict),
        .testTarget(
            name: "MeshSessionTests",
            dependencies: ["MeshSession", "MeshSim", "MeshTestSupport", .product(name: "PropertyBased", package: "swift-property-based")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "MeshTUITests",
            dependencies: ["MeshTUI", "CNcursesw", .product(name: "PropertyBased", package: "swift-property-based")],
            exclude: ["Snapshots"],  // golden frames, read through #filePath
            swiftSettings: strict
        ),
        .testTarget(
            name: "MeshTopTests",
            dependencies: ["MeshCore", "MeshTestSupport", "MeshTLS", .product(name: "PropertyBased", package: "swift-property-based")],
            exclude: ["Fixtures"],  // client scripts run by the tests, read through #filePath
            swiftSettings: strict
        ),
        .testTarget(
            name: "MeshAdminTests",
            dependencies: [
                "MeshAdmin", "MeshCore", "MeshProbe", "MeshTestSupport", "MeshTLS",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "MeshProxyTests",
            dependencies: [
                "MeshProxy", "MeshCore", "MeshHTTP1", "MeshTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "MeshTLSTests",
            dependencies: [
                "MeshTLS", "MeshProxy", "MeshProbe", "MeshCore", "MeshTestSupport", "MeshRun", "MeshConfig", "MeshSession", "MeshOutput",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            exclude: ["Fixtures"],  // the Python endpoint the tests run, read through #filePath
            swiftSettings: strict
        ),
        .testTarget(
            name: "MeshProbeTests",
            dependencies: [
                "MeshProbe", "MeshCore", "MeshTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
    ]
)
