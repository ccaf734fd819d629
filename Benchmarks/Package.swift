// swift-tools-version:6.1
import PackageDescription

/// A path dependency is known by its folder's name, which differs between clones.
let root = String(Context.packageDirectory.split(separator: "/").dropLast().last ?? "mesh-top")

/// mesh-top's micro benchmarks (ordo-one/benchmark): `swift package benchmark` here. A package of
/// its own, so that `swift test` at the root (and CI) never builds it.
let package = Package(
    name: "mesh-top-benchmarks",
    dependencies: [
        .package(path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "MeshBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "MeshTopModules", package: root),
            ],
            path: "Benchmarks/MeshBenchmarks",
            // As MeshCore and MeshSim are built: the state a benchmark closure captures would
            // otherwise pay a dynamic exclusivity check per pick (a third of a 16 ns pick).
            // And, as mesh-top's executables are, with the Swift runtime linked in (see ../Package.swift).
            swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked", "-static-stdlib"], .when(configuration: .release))],
            linkerSettings: [.unsafeFlags(["-static-stdlib"], .when(configuration: .release))],
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
