import ArgumentParser
import SeleksiCommands

@main
struct Seleksi {
    static func main() async {
        ParentWatch.startIfAsked()
        await SeleksiCommand.main()
    }
}
