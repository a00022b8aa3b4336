from vsp_cli.entry import main

main()
