/// The model and rule files of the package's `Models/` folder, embedded at build time by the
/// `EmbedModels` plugin, so the binary needs no files beside it.
public enum ModelCatalog {
    /// The version of the catalogue as shipped (raised whenever a file under `Models/` changes;
    /// `riskengine --version` also prints a checksum of the embedded files).
    public static let version = "2026.12"

    /// Every embedded file: its path relative to `Models/` and its UTF-8 text.
    public static var files: [(path: String, text: String)] { embeddedModelFiles }

    /// What is known of an embedded model file without compiling it (made at build time from the
    /// file's JSON; a test checks it against the compiled models).
    public struct IndexEntry: Sendable, Equatable {
        /// The file's path relative to `Models/`.
        public let path: String
        public let id: String
        public let title: String
        /// The citation's reference and DOI.
        public let reference: String
        public let doi: String
        /// The written output columns, in outcome order.
        public let outputColumns: [String]
        /// The written columns that hold numbers (not labels).
        public let numericOutputColumns: [String]

        public init(
            path: String, id: String, title: String, reference: String, doi: String,
            outputColumns: [String], numericOutputColumns: [String]
        ) {
            self.path = path
            self.id = id
            self.title = title
            self.reference = reference
            self.doi = doi
            self.outputColumns = outputColumns
            self.numericOutputColumns = numericOutputColumns
        }
    }

    /// One entry per model file (the JSON files at the top of `Models/`), in path order.
    public static var modelIndex: [IndexEntry] {
        embeddedModelIndex.map {
            IndexEntry(path: $0.path, id: $0.id, title: $0.title, reference: $0.reference, doi: $0.doi,
                       outputColumns: $0.outputColumns, numericOutputColumns: $0.numericOutputColumns)
        }
    }

    /// SHA-256 over the embedded files in path order (for each: its path, a NUL byte, its text and
    /// a NUL byte), computed at build time.
    public static var checksum: String { embeddedCatalogueChecksum }
}
