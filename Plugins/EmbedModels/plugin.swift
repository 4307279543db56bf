import Foundation
import PackagePlugin

/// Embeds every JSON and CSV file under the package's `Models/` folder into the target as Swift source,
/// so the `riskengine` binary carries its model library and needs no resource bundle at run time.
@main
struct EmbedModels: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let modelsDir = context.package.directoryURL.appending(path: "Models")
        let files = try jsonFiles(under: modelsDir)
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedModels.swift")
        return [
            .buildCommand(
                displayName: "Embedding \(files.count) model files from Models/",
                executable: try context.tool(named: "ModelEmbedder").url,
                arguments: [modelsDir.path(), output.path()] + files.map { $0.path() },
                inputFiles: files,
                outputFiles: [output]
            )
        ]
    }

    private func jsonFiles(under dir: URL) throws -> [URL] {
        guard let walker = FileManager.default.enumerator(at: dir, includingPropertiesForKeys: nil)
        else { return [] }
        var found: [URL] = []
        for case let url as URL in walker where url.pathExtension == "json" || url.pathExtension == "csv" {
            found.append(url)
        }
        return found.sorted { $0.path() < $1.path() }
    }
}
