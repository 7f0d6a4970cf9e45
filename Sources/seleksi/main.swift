import ArgumentParser
import SeleksiCommands

SeleksiCommand.main()
