/// The model and rule files of the package's `Models/` folder, embedded at build time by the
/// `EmbedModels` plugin, so the binary needs no files beside it.
public enum ModelCatalog {
    /// The version of the catalogue as shipped (raised whenever a file under `Models/` changes;
    /// `riskengine --version` also prints a checksum of the embedded files).
    public static let version = "2026.12"

    /// Every embedded file: its path relative to `Models/` and its UTF-8 text.
    public static var files: [(path: String, text: String)] { embeddedModelFiles }
}
