class FourDigitYearConverter:
    regex = "[0-9]{4}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return f"{value:04d}"


class TwoDigitConverter:
    """Months and days as in /presse/2022/03/28/; a one-digit form (/2022/3/) is accepted too."""

    regex = "[0-9]{1,2}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return f"{value:02d}"
