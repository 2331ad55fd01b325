// The flow every example runs: a live login of the sandbox user Greatday to FlinksCapital,
// its security question answered, through the Flinks API of the server startBankgate started.
// Any Flinks client given `bankgate.apiUrl` as its base URL does the same.
const ANSWERS = {
  "What city were you born in?": "Montreal",
  "What is the best country on earth?": "Canada",
  "What shape do people like most?": "Triangle",
};

export async function connectGreatday(bankgate) {
  const post = async (operation, body, headers) => {
    const response = await fetch(`${bankgate.apiUrl}/${operation}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify(body ?? {}),
    });
    return { status: response.status, body: await response.json() };
  };
  const token = await post("GenerateAuthorizeToken", {}, { "flinks-auth-key": bankgate.secretKey });
  const auth = { "flinks-auth-key": token.body.Token };
  const challenge = await post(
    "Authorize",
    { Institution: "FlinksCapital", Username: "Greatday", Password: "Everyday", MostRecentCached: false, Save: true },
    auth,
  );
  const prompt = challenge.body.SecurityChallenges[0].Prompt;
  const answered = await post("Authorize", { RequestId: challenge.body.RequestId, SecurityResponses: { [prompt]: [ANSWERS[prompt]] } }, auth);
  return { challengeStatus: challenge.status, status: answered.status, loginId: answered.body.Login?.Id };
}
