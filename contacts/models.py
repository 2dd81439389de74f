# The press contacts and journalists' subscriptions live here (see DESIGN.md).
# This app imports nothing from `releases`.
