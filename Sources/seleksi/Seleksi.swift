import ArgumentParser
import SeleksiCommands

@main
struct Seleksi {
    static func main() async {
        await SeleksiCommand.main()
    }
}
