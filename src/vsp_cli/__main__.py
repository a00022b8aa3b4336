from vsp_cli.cli import main

main()
