"""Translation: engines behind one interface, model families and the one CTranslate2 engine they drive, routing, the translation memory."""
