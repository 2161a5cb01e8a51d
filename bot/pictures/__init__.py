"""Pictures of a patient's course: a neutral description (`course`) and its PNG (`timeline`).

Channel-agnostic: the terminal writes the PNG to a file, the Telegram adapter sends it as a
photo. matplotlib is imported only when a picture is drawn, so the bot starts as fast as before.
"""
