import ArgumentParser

struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "A short end-to-end demo on generated data.")
    @OptionGroup var global: GlobalOptions

    func run() throws {
        global.apply()
        print("threads", global.threads ?? 0)
    }
}
