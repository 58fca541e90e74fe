"""``python -m tokvec``: the command line (also how ``torchrun -m tokvec train-lm ...`` starts it)."""

from .cli import run

if __name__ == "__main__":
    run()
