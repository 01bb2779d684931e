"""Entry point of ``mstrack-gui``; the desktop application itself is being built."""

import sys


def main(argv=None) -> int:
    print("mstrack-gui: the desktop application is not in this version yet; "
          "use 'mstrack track SOURCE --roi X,Y,W,H'", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
