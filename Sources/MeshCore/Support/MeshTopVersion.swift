/// mesh-top's version: `mesh-top --version`, `/metrics`' `mesh_build_info`. Raised with each
/// release.
public enum MeshTopVersion {
    public static let string = "0.9.0"
}
