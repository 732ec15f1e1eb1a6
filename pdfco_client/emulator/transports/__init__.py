"""How the model is served over a socket: werkzeug, on loopback (the emulator's transport).

``wsgi`` turns each WSGI request into the model's neutral request and its answer back into a
werkzeug response; ``_serving`` is the bounded server and the two broken-answer tricks. The other
transport, in process on ``responses``, is ``pdfco_client.testing._mock``.
"""
