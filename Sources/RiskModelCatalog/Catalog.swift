/// The model and rule files of the package's `Models/` folder, embedded at build time by the
/// `EmbedModels` plugin, so the binary needs no files beside it.
public enum ModelCatalog {
    /// Every embedded file: its path relative to `Models/` and its UTF-8 text.
    public static var files: [(path: String, text: String)] { embeddedModelFiles }
}
