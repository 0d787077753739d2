from pln_reader.cli import main

main()
