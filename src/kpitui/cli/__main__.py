from kpitui.cli import main

main()
