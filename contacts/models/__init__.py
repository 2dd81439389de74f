# People and addresses (see DESIGN.md): the press contacts, the journalists' subscriptions and the
# press list. This app imports nothing from `releases`.
from .press_contacts import (  # noqa: F401  (migrations 0001 and 0003 name these)
    PressContact,
    Subscription,
    phone_validator,
    photo_path,
    tel_uri,
    validate_photo_size,
)
from .press_list import (  # noqa: F401
    DistributionList,
    Journalist,
    LawfulBasis,
    MediaOutlet,
    Suppression,
    normalize_email,
    one_line,
)
