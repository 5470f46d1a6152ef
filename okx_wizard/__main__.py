from okx_wizard.cli import main

raise SystemExit(main())
