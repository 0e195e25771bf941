"""Plays the user's browser for ``followup init`` (set as ``$BROWSER``): opens the
sign-in address, trusting the test CA in ``$FAKE_BROWSER_CA``, and follows the
provider's redirect back to followup's loopback listener."""

import os
import ssl
import sys
import urllib.request

context = ssl.create_default_context(cafile=os.environ["FAKE_BROWSER_CA"])
opener = urllib.request.build_opener(urllib.request.HTTPSHandler(context=context))
with opener.open(sys.argv[1], timeout=20) as answer:
    answer.read()
